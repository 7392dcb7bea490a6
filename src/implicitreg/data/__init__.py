"""Where the data comes from: seeds (``seeds``), controlled spectra (``spectra``), trajectory helpers."""
