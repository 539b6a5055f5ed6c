"""Contestants' materials (路演材料): the plan or report PDF of a round and, for the plan round, the income target."""
