"""Contests: the year's 大比武 with its groups, rounds, criteria, adjustment and veto items."""
