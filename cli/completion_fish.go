package cli

const fishCompletion = `# atmos-auth fish completion: atmos-auth completion fish | source
complete -c atmos-auth -f
complete -c atmos-auth -n __fish_use_subcommand -a '@CMDS@'
complete -c atmos-auth -s i -l identity -x -d Identity -a '(atmos-auth __complete identities 2>/dev/null)'
complete -c atmos-auth -l profile -x -d 'Profiles to merge'
complete -c atmos-auth -l config -r -F -d 'Path to atmos.yaml'
complete -c atmos-auth -n '__fish_seen_subcommand_from env' -s f -l format -x -a '@FORMATS@'
complete -c atmos-auth -n '__fish_seen_subcommand_from env' -s o -l output -x -a '@FORMATS@'
complete -c atmos-auth -n '__fish_seen_subcommand_from env' -l output-file -r -F
complete -c atmos-auth -n '__fish_seen_subcommand_from hook completion' -x -a '@SHELLS@'
complete -c atmos-auth -n '__fish_seen_subcommand_from @IDCMDS@' -x -a '(atmos-auth __complete identities 2>/dev/null)'
`
