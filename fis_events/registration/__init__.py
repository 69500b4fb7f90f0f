"""Online registration: people, registrations, capacity and waiting lists, self-service links."""
