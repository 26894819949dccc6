"""Mattermost ``AppError``: the JSON body every failing API call carries (docs/MATTERMOST.md §1, Appendix A).

English messages are the server's ``en.json`` texts (Appendix A); the ids the public code does not show
carry the sandbox's own text.
"""

from __future__ import annotations

from typing import Any, Literal

# What web/handlers.go does to an error before writing it (docs/MATTERMOST.md, Appendix A.4).
ErrorMode = Literal["production", "developer", "hardened"]
ERROR_MODES: tuple[str, ...] = ("production", "developer", "hardened")

MESSAGES: dict[str, str] = {
    "api.context.session_expired.app_error": "Invalid or expired session, please login again.",
    "api.context.permissions.app_error": "You do not have the appropriate permissions.",
    "api.context.404.app_error": "Sorry, we could not find the page.",
    "api.context.405.app_error": "Method not allowed.",
    "api.context.500.app_error": "An internal error occurred in the sandbox.",
    "api.context.invalid_param.app_error": "Invalid {name} parameter.",
    "api.context.invalid_url_param.app_error": "Invalid or missing {name} parameter in request URL.",
    "api.context.outgoing_oauth_connection.not_available.configuration_disabled": (
        "Outgoing OAuth connections are not available on this server."
    ),
    "api.license.upgrade_needed.app_error": "Feature requires an upgrade to Enterprise Edition.",
    "api.context.outgoing_oauth_connection.list_connections.input_error": "Invalid input parameters.",
    "api.context.outgoing_oauth_connection.list_connections.app_error": (
        "There was an error while listing outgoing OAuth connections."
    ),
    "api.context.outgoing_oauth_connection.create_connection.input_error": "Invalid input parameters.",
    "api.context.outgoing_oauth_connection.create_connection.app_error": (
        "There was an error while creating the outgoing OAuth connection."
    ),
    "api.context.outgoing_oauth_connection.update_connection.input_error": "Invalid input parameters.",
    "api.context.outgoing_oauth_connection.update_connection.app_error": (
        "There was an error while updating the outgoing OAuth connection."
    ),
    "api.context.outgoing_oauth_connection.delete_connection.app_error": (
        "There was an error while deleting the outgoing OAuth connection."
    ),
    "api.context.outgoing_oauth_connection.validate_connection_credentials.input_error": (
        "Couldn't retrieve credentials with the specified connection configuration."
    ),
    "api.context.outgoing_oauth_connection.validate_connection_credentials.app_error": (
        "There was an error while validating the outgoing OAuth connection credentials."
    ),
    "api.command.disabled.app_error": "Commands have been disabled by the system admin.",
    "api.user.login.invalid_credentials_email_username": "Enter a valid email or username and/or password.",
    "api.user.check_user_mfa.bad_code.app_error": "Invalid MFA token.",
    "api.user.login.blank_pwd.app_error": "Password field must not be blank",
    "api.context.invalid_body_param.app_error": "Invalid or missing {name} in request body.",
    "api.context.request_body_too_large.app_error": "The request body is too large.",
    "app.team.get_by_name.missing.app_error": "Unable to find the existing team.",
    "app.team.get.find.app_error": "Unable to find the existing team.",
    "app.channel.get_by_name.missing.app_error": "No channel found.",
    "app.channel.get.existing.app_error": "Unable to find the existing channel.",
    "app.webhooks.get_outgoing_webhook.app_error": "Unable to get the outgoing webhook.",
    "api.outgoing_webhook.disabled.app_error": "Outgoing webhooks have been disabled by the system admin.",
    "api.command.execute_command.start.app_error": "No command trigger found.",
    "api.command.execute_command.not_found.app_error": (
        "Command with a trigger of '{trigger}' not found. To send a message beginning with \"/\", try adding "
        "an empty space at the beginning of the message."
    ),
    "api.command.execute_command.failed.app_error": "Command with a trigger of '{trigger}' failed.",
    "api.command.execute_command.failed_empty.app_error": (
        "Command with a trigger of '{trigger}' returned an empty response."
    ),
    "api.command.execute_command.failed_resp.app_error": (
        "Command with a trigger of '{trigger}' returned response {resp_status}."
    ),
}


class AppError(Exception):
    """Raised by a route; the server turns it into the AppError JSON body with ``status``.

    ``status_line_first``: the handler wrote the status line itself before the framework wrote the body
    (validate does), so hardened mode changes the body's ``status_code`` but not the status line.
    """

    def __init__(
        self, error_id: str, status: int, detailed_error: str = "", *, status_line_first: bool = False, **params: str
    ) -> None:
        template = MESSAGES.get(error_id, error_id)
        self.error_id = error_id
        self.status = status
        self.message = template.format(**params) if params else template
        self.detailed_error = detailed_error
        self.status_line_first = status_line_first
        super().__init__(f"{status} {error_id}")

    def hardened(self, mode: str) -> bool:
        return mode == "hardened" and self.status >= 500

    def status_line(self, mode: str) -> int:
        return 500 if self.hardened(mode) and not self.status_line_first else self.status

    def body(self, request_id: str, mode: str = "developer") -> dict[str, Any]:
        """The JSON written for ``mode``: ``detailed_error`` only in developer mode; hardened 5xx anonymous."""
        hidden = self.hardened(mode)
        return {
            "id": "" if hidden else self.error_id,
            "message": "Internal Server Error" if hidden else self.message,
            "detailed_error": self.detailed_error if mode == "developer" else "",
            "request_id": request_id,
            "status_code": 500 if hidden else self.status,
        }


def permission_error(user_id: str, *permissions: str) -> AppError:
    """What ``c.SetPermissionError`` answers: 403 naming the user and the permissions missing."""
    return AppError("api.context.permissions.app_error", 403, f"userId={user_id}, permission={','.join(permissions)}")


def session_expired(detail: str = "UserRequired") -> AppError:
    return AppError("api.context.session_expired.app_error", 401, detail)
