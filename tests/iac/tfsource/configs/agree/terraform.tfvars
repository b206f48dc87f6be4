disk_gib = 100
