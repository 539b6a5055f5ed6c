"""Bonus/penalty records (加减分) and vetoes (一票否决) of contestants in a round."""
