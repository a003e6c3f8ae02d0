"""Keys, encryption and blind indexes; passwords, TOTP, lockout and sessions (the policy decision point follows)."""
