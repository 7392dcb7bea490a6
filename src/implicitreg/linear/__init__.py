"""Gradient descent on linear networks (THEORY.md sections 1-6): simulation, kernel, theory, baselines."""
