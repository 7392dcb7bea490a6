"""Deep matrix factorization (THEORY.md section 8): model and Hessian, compiled kernel, stages, runs."""
