"""Exact unit constants. Names carry their units."""

J_PER_KWH = 3.6e6  # 1 kWh = 1000 W × 3600 s (exact)
S_PER_HOUR = 3600.0  # exact
S_PER_DAY = 86_400.0  # exact
HOURS_PER_DAY = 24.0  # exact
HOURS_PER_YEAR = 8766.0  # Julian year, 365.25 d × 24 h (exact); Lambda's "355 GPU-years" uses it
S_PER_YEAR = HOURS_PER_YEAR * S_PER_HOUR
W_PER_KW = 1e3
KWH_PER_MWH = 1e3
KWH_PER_TWH = 1e9
DAYS_PER_YEAR = 365.25  # Julian year, as HOURS_PER_YEAR
G_PER_KG = 1e3
KG_PER_T = 1e3
L_PER_M3 = 1e3  # litres in a cubic metre (SI, exact)
BYTES_PER_GB = 1e9  # decimal GB, as vendors quote memory bandwidth (GB/s)
BYTES_PER_GIB = 1024 ** 3  # exact: a gibibyte (IEC 80000-13), what psutil-based tools call "GB"
MS_PER_S = 1e3  # exact
US_PER_MS = 1e3  # exact
WH_PER_KWH = 1e3  # exact
S_PER_MINUTE = 60.0  # exact
FLOPS_PER_GFLOP = 1e9  # SI giga (exact)
FLOPS_PER_TFLOP = 1e12  # SI tera (exact)
FLOPS_PER_PFLOP = 1e15  # SI peta (exact)
BYTES_PER_MB = 1e6  # decimal MB, as BYTES_PER_GB (exact)
MB_PER_GB = BYTES_PER_GB / BYTES_PER_MB  # 1000, decimal (exact)
W_PER_TW = 1e12  # SI tera (exact)
J_PER_EJ = 1e18  # SI exa (exact)
PARAMS_PER_MILLION = 1e6  # parameter counts in short-scale words, as model cards give them (exact)
PARAMS_PER_BILLION = 1e9  # (exact)
MILLIWATTS_PER_W = 1e3  # NVML reports power in mW (nvmlDeviceGetPowerUsage, NVML API reference) (exact)
MILLIJOULES_PER_J = 1e3  # NVML's energy counter is in mJ (nvmlDeviceGetTotalEnergyConsumption) (exact)
BITS_PER_BYTE = 8  # exact
GBIT_PER_TBIT = 1e3  # SI (exact)
KM_PER_MILE = 1.609344  # international mile (exact)
KG_PER_LB = 0.45359237  # international pound (exact): eGRID states its rates in lb/MWh
MONTHS_PER_YEAR = 12.0  # exact
T_PER_KT = 1e3  # SI kilo on the tonne (exact)
T_PER_MT = 1e6  # SI mega on the tonne (exact)
ML_PER_L = 1e3  # exact
# SI prefixes, largest first (exact): the one table humanize's units and the charts' axis labels step through
SI_PREFIXES = ((1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""), (1e-3, "m"))
