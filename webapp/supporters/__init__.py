"""The supporter's way: campaign page, letters, sending or drafting, confirmation (pages,
forms, the details seal, the flow shared with the embed, and the operations the API shares)."""
