"""mmoauth-gui: manage Mattermost Outgoing OAuth Connections from the desktop and the command line."""

__version__ = "0.1.0"
