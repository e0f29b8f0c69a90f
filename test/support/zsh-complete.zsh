# Completes a command line as a Tab in an interactive zsh does, through compinit and the script
# under test, and prints each candidate as `WORD<TAB>WHAT THE LIST SHOWS` (the list's ` -- ` and
# the description). zsh completes only inside the line editor, so a second zsh runs on a
# pseudo-terminal (zpty) and this one types into it.
#
#   zsh -f zsh-complete.zsh SCRIPT 'perfcell kernel ins'
#
# A SCRIPT named _NAME is installed as a user installs one (its folder put on fpath before
# compinit, which autoloads it at the first Tab); any other is sourced after compinit. What the
# shell on the pseudo-terminal writes to stderr (a completion function's error) comes out on stderr.

if [[ $1 == --inside ]]; then
  # the shell on the pseudo-terminal: no prompt to read past, one candidate a list row, and rows
  # as wide as a description (zsh cuts them at the terminal's width)
  PS1='' PROMPT_EOL_MARK=''
  stty columns 1000
  exec 2>>$3
  zstyle ':completion:*' list-grouped false
  [[ ${2:t} == _* ]] && fpath=(${2:h} $fpath)
  autoload -U compinit && compinit -u -D
  [[ ${2:t} == _* ]] || source $2
  # Every candidate passes through compadd: ask the builtin which of them match what was typed
  # (-A, -D keep the matches and their list rows) and print those instead of adding them. Calls
  # that only ask (-O, -A, -D of their own) go to the builtin as they are.
  compadd() {
    if [[ ${@[1,(i)(-|--)]} == *-[OAD]\ * ]]; then builtin compadd "$@"; return; fi
    local -a matches shown
    local rows
    (( ${@[(I)-d]} )) && rows=${@[${@[(i)-d]}+1]} && shown=("${(@P)rows}")
    builtin compadd -A matches -D shown "$@"
    local i
    for i in {1..$#matches}; do
      [[ -n $matches[i] ]] && print -r -- $'\n'"<match>$matches[i]"$'\t'"${shown[i]:-$matches[i]}"
    done
  }
  comppostfuncs=(__completed)
  __completed() { print -r -- $'\n<completed>'; }
  return
fi

zmodload zsh/zpty || { print -u2 'zsh-complete: zsh has no zpty module'; exit 3 }
errors=$(mktemp)
zpty completer zsh -f -i
# set after zpty forked: the shell it forks would run it too as it ends
trap 'cat $errors >&2; rm -f $errors' EXIT
zpty -w completer "source ${(q)0} --inside ${(q)1:a} ${(q)errors}"
zpty -w -n completer "$2"$'\t'
local typed
zpty -r completer typed '*<completed>*' || { print -u2 'zsh-complete: the completion did not finish'; exit 4 }
zpty -d completer
# the candidates' rows, without the terminal's carriage returns and the echo of what was typed
print -rl -- ${${(M)${(f)typed//$'\r'/}:#<match>*}#<match>}
