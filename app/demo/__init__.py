"""Demo data: the real city of Yangquan with generated people, for `flask demo load`."""
