"""Exports of dossiers from the back office (issue 6, item 7).

- `services.py`: starting an export (checks, scope, the job), running it (the task's work), the
  column templates and the list of one's exports;
- `rows.py`: the cells of the chosen columns read fast from `values_list` rows;
- `writers.py`: CSV (UTF-8 with BOM, ";"), XLSX (openpyxl write-only) and ZIP files;
- `tracking_book.py`: the tracking book of dossiers (sổ theo dõi hồ sơ, form 07) as XLSX;
- `tasks.py`: the Django task that runs an export job.

Memory stays constant whatever the number of dossiers: rows are read by chunks and written to a
temporary file, which becomes the job's result (core/jobs.py) for its owner to download.
"""
