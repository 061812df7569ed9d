from claimcheck.cli import main

# guarded: worker processes started with "spawn" (Dask's) import __main__ again
if __name__ == "__main__":
    main()
