"""Analytics: product discovery so far (recently viewed, customers also viewed, guess you like);
see DESIGN.md for the rest this app will own."""
