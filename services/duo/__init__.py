"""The chain with DUO: DUO's Notificatie API served by the platform (inbound), and the
client of DUO's APIs (outbound)."""
