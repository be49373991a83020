"""Follow up: did the targets reply? (issue 25)."""
