"""Push notifications: the outbox that services write to, and (later) its delivery."""
