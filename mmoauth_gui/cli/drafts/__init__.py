"""``mmoauth-gui drafts list|show|new|edit|validate|push|pull|export|import|delete``: the drafts workspace.

Drafts work offline. A draft is named by its id or its (unique) name. Secrets never come from the command
line: the client secret from ``MMOAUTH_CLIENT_SECRET`` or standard input (``--secret-from-stdin``, or
whenever standard input is not a terminal), the password (password grant) from ``MMOAUTH_PASSWORD`` or the
next line; they go to the OS keyring (or, without one, nowhere: ``secret not stored``).
"""
