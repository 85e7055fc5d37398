"""The math layer: numpy only. No terminals, no printing, no exits."""
