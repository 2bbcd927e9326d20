"""Identity adapters: signing keys, JWT encoding and verification, password hashing."""
