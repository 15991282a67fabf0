from netir.cli import main

main()
