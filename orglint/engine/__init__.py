"""Stage 4: rules run over the Org; waivers, baseline and the maturity stage applied. No I/O."""
