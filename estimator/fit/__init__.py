"""Pure statistical fits: utilisation from published runs, power from measured draw, the serving
model from ML.ENERGY measurements. Data in (rows the ``io`` package read), fitted models out."""
