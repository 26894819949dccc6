"""The server about itself: its configuration and licence as clients read them (docs/MATTERMOST.md Appendix H)."""
