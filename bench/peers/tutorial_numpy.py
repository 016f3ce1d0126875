# The tutorial's gradient descent under NumPy, as it writes it (theta
# starting as np.array([0, 0])) and with the one-word fix (np.zeros(2)).
# Its output is committed as internal/cli/testdata/tutorial_numpy.txt; the
# tutorials (docs/tutorial*.md) show it and TestTutorialNumPy checks that
# lsq's textbook run gives the same numbers. Produced with Debian's
# python3-numpy 1.24.2:
#
#   /usr/bin/python3 bench/peers/tutorial_numpy.py > internal/cli/testdata/tutorial_numpy.txt
import numpy as np
X = np.array([[1, 1], [1, 2], [1, 3], [1, 4], [1, 5]])
y = np.array([2, 4, 5, 4, 5])
for init in ("np.array([0, 0])", "np.zeros(2)"):
    theta = eval(init)
    try:
        for _ in range(1000):
            gradient = X.T @ (X @ theta - y) / len(y)
            theta -= 0.01 * gradient
        print(f"theta = {init}: intercept {theta[0]:.6f} slope {theta[1]:.6f}")
    except Exception as e:
        print(f"theta = {init}: {type(e).__name__}: {e}")
