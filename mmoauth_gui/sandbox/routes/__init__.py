"""The sandbox's REST routes for users and teams, connections and slash commands (integrations/ and system/
hold the others)."""
