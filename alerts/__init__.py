"""pactwatch package."""
