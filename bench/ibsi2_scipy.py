"""Anchor for `npm run bench -- ibsi2`: the same IBSI 2 filters with scipy.ndimage / scipy.fft, as the
IBSI 2 reference implementation (MIRP) computes them, on a volume of the CT phantom's size (timings do not
depend on the voxel values). Prints one JSON object {filter: milliseconds}."""
import json, sys, time
import numpy as np
import scipy.ndimage as ndi
import scipy.fft as fft

nz, ny, nx = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
x = np.random.default_rng(1).normal(size=(nz, ny, nx))
out = {}

def t(name, fn, reps=3):
    fn()
    best = []
    for _ in range(reps):
        s = time.perf_counter(); fn(); best.append((time.perf_counter() - s) * 1000)
    out[name] = float(np.median(best))

def sep(v, kx, ky, kz, mode="reflect"):
    v = ndi.convolve1d(v, kz, axis=0, mode=mode)
    v = ndi.convolve1d(v, ky, axis=1, mode=mode)
    return ndi.convolve1d(v, kx, axis=2, mode=mode)

t("mean 5 (3D)", lambda: ndi.uniform_filter(x, 5, mode="reflect"))
s = 1.5; m = 1 + 2 * int(4 * s + 0.5); c = np.arange(m) - (m - 1) / 2
g0 = np.exp(-c**2 / (2 * s * s)) / (np.sqrt(2 * np.pi) * s); g2 = (c**2 / s**4 - 1 / s**2) * g0
t("LoG sigma 1.5 voxels (3D)", lambda: sep(x, g2, g0, g0) + sep(x, g0, g2, g0) + sep(x, g0, g0, g2))
L5 = np.array([1, 4, 6, 4, 1]) / np.sqrt(70); E5 = np.array([-1, -2, 0, 2, 1]) / np.sqrt(10)
def laws():
    acc = None
    for kx, ky, kz in [(L5, E5, E5), (E5, L5, E5), (E5, E5, L5)] * 8:  # 24 orientations' work
        r = sep(x, kx, ky, kz); acc = r if acc is None else np.maximum(acc, r)
    return ndi.uniform_filter(np.abs(acc), 15, mode="reflect")
t("Laws L5E5E5, 24 orientations, energy 7", laws, reps=1)
lo = np.array([0.035226291882100656, -0.08544127388224149, -0.13501102001039084, 0.4598775021193313, 0.8068915093133388, 0.3326705529509569, 0])
hi = np.array([(-1) ** (k + 1) * lo[5 - k] for k in range(6)] + [0])
def wav():
    acc = 0
    for _ in range(24):
        acc = acc + sep(x, lo, lo, hi)
    return acc / 24
t("db3 LLH level 1, 24 orientations", wav, reps=1)
H = np.ones(x.shape)
def simon():
    return np.real(fft.ifftn(fft.fftn(x) * H))
t("Simoncelli level 1 (3D FFT pair)", simon)
def gabor2d():
    h = 30; S = 2 * h + 1
    k = np.zeros((ny + 2 * h, nx + 2 * h), complex); k[:S, :S] = 1
    K = fft.fft2(k)
    xp = np.pad(x, ((0, 0), (h, h), (h, h)), mode="symmetric")
    for _ in range(16):
        for z in range(nz):
            np.abs(fft.ifft2(fft.fft2(xp[z]) * K))
t("Gabor 2D axial, 16 orientations, half-size 30", gabor2d, reps=1)
print(json.dumps(out))
