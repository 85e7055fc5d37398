_actcli_completion() {
    local IFS=$'\n'
    local line="${COMP_LINE:0:COMP_POINT}"
    local cur="${line##*[[:space:]]}"
    local -a words
    IFS=$' \t' read -ra words <<< "$line"
    local cword=${#words[@]}
    [[ -n "$cur" ]] && cword=$((cword - 1))
    COMPREPLY=( $( env COMP_WORDS="$line" COMP_CWORD=$cword _ACTCLI_COMPLETE=complete_bash $1 ) )
    local prefix="${cur%"${cur##*[$COMP_WORDBREAKS]}"}"
    [[ -n "$prefix" ]] && COMPREPLY=( "${COMPREPLY[@]#"$prefix"}" )
    return 0
}

complete -o default -F _actcli_completion actcli
