"""Change events: the transactional outbox, webhook delivery and the pull feed's storage."""
