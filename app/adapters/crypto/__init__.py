"""Field encryption: envelope encryption under per-person data keys, key providers, blind indexes."""
