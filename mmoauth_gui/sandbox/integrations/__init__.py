"""What the sandbox does with slash commands and outgoing webhooks beyond listing commands: channels, webhooks,
posts and the server log (``store``), the one outbound path (``outbound``), the requests Mattermost builds
(``deliver``), their routes, and the demo integration that checks the token it receives."""
