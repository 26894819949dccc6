"""The backstage form's own words, mirrored on purpose (docs/MATTERMOST.md Appendix F), and the app's additions.

Strings named after an ``en.json`` key are the product's UI text, copied so an admin who knows the
backstage recognises every label, help line and question; the rest are the app's own.
"""

from __future__ import annotations

# add_outgoing_oauth_connection.*.help
NAME_HELP = "Specify the name for your OAuth connection."
CLIENT_ID_HELP = "Specify the Client ID for your OAuth connection."
CLIENT_SECRET_HELP = "Specify the Client Secret for your OAuth connection."
TOKEN_URL_HELP = "Specify the OAuth Token URL for your OAuth connection."
AUDIENCES_LABEL = "Audience URLs (One Per Line)"
AUDIENCES_HELP = (
    "The URLs which will receive requests with the OAuth token, e.g. your custom slash command handler endpoint. "
    "Must be a valid URL and start with http:// or https://. "
    "A trailing * matches every URL that starts with the text before it."  # the app's addition
)
GRANT_HELP = (
    "Mattermost's backstage always uses client credentials. The server also accepts the password grant, "
    "which sends a username and password to the token endpoint."
)

# add_outgoing_oauth_connection.*.required: shown under an empty field (all of them at once, not one by one)
REQUIRED_TEXTS = {
    "name": "Name for the OAuth connection is required.",
    "client_id": "Client Id for the OAuth connection is required.",
    "client_secret": "Client Secret for the OAuth connection is required.",
    "oauth_token_url": "OAuth Token URL for the OAuth connection is required.",
    "audiences": "One or more audience URLs are required.",
}
# the fields the backstage checks before it validates: every required one but the audiences
REQUIRED_TO_VALIDATE = ("name", "client_id", "client_secret", "oauth_token_url")

# add_outgoing_oauth_connection.documentation_link
HELP_LINK_URL = "https://mattermost.com/pl/outgoing-oauth-connections"
HELP_LINK_HTML = f'Get help with <a href="{HELP_LINK_URL}">configuring outgoing OAuth connections</a>.'

SAVE_ANYWAY_TITLE = "Save Outgoing OAuth Connection"
SAVE_ANYWAY_TEXT = "This connection has not been validated, Do you want to save anyway?"
SAVE_REFUSED_TEXT = "This connection was refused when it was validated. Do you want to save it anyway?"  # the app's
AUDIENCE_CHANGE_TITLE = "Edit Outgoing OAuth Connection"
AUDIENCE_CHANGE_TEXT = (
    "Your changes may break any existing integrations using this connection. Are you sure you would like to update it?"
)
