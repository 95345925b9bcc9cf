from orglint.commands import console

console()
