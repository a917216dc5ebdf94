"""Importing the registry from xlsx and CSV files (docs/registry-import.md).

columns.py   the columns of each kind of file (Chinese headers, English names, aliases)
files.py     reading a file as a stream of rows (CSV in UTF-8/GBK, xlsx)
cells.py     reading one cell: text, numbers, dates, yes/no, choices; CellError says why not
lookups.py   what the rows refer to (grids, buildings, houses, households, tags), batch by batch
persons.py, buildings.py, houses.py, households.py, organizations.py
             checking a batch of rows of one kind, and writing the good ones set-wise
kinds.py     the kind name -> its importer
jobs.py      creating an import job from an upload, queueing it
dry_run.py   checking the whole file and storing the problems (nothing else is written)
runner.py    importing the good rows in resumable batches
workbooks.py the template and the problems workbook
"""
