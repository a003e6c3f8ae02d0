"""Keys, encryption, blind indexes (and, later, identity and the policy decision point)."""
