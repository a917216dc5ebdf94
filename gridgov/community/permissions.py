"""The permission codes of the community app (declared in access/policy.py)."""

MANAGE = "community.manage"  # write notices, moderate proposals, run votes
TAKE_PART = "community.take_part"  # read notices, propose, support, vote
