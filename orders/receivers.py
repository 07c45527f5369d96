"""What orders does when other apps (and allauth) report news."""
