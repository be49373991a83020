"""Who represents whom: Popolo-shaped data, importers and matching. No Flask here."""
