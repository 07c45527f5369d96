"""Analytics: see DESIGN.md for what this app owns. Filled by its own issue."""
