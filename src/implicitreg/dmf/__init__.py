"""Deep matrix factorization (THEORY.md section 8): model and Hessian, stages, one run."""
