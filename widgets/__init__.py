"""Qt views, each fed result objects; they never open the store or the network."""
