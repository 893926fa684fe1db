from trademl.cli import main

main()
