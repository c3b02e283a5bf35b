package cli

// The examples each command's --help ends with (kong shows a command's
// Help() under its one-line summary). Commands with a longer help of their
// own (hook, completion) carry their examples there.

func (*ValidateCmd) Help() string {
	return `Examples:
    atmos-auth validate                     # every error, each with file:line:col
    atmos-auth validate --config infra/atmos.yaml`
}

func (*ListCmd) Help() string {
	return `Examples:
    atmos-auth list                         # providers and identities, as a tree
    atmos-auth list -o json                 # for scripts
    atmos-auth list -o graphviz | dot -Tsvg > chains.svg`
}

func (*KeyringCmd) Help() string {
	return `Examples:
    atmos-auth keyring                      # which store, and whether it answers
    ATMOS_KEYRING_TYPE=file atmos-auth keyring`
}

func (*LoginCmd) Help() string {
	return `Examples:
    atmos-auth login                        # the default identity, or a selector
    atmos-auth login -i prod-admin          # through its whole chain
    atmos-auth login -i prod-admin -o json  # what was obtained, for scripts`
}

func (*WhoamiCmd) Help() string {
	return `Examples:
    atmos-auth whoami -i prod-admin         # account, region, expiry (from the cache)
    atmos-auth whoami -i prod-admin --verify   # ask the cloud who we are`
}

func (*LogoutCmd) Help() string {
	return `Examples:
    atmos-auth logout -i prod-admin         # its cached credentials
    atmos-auth logout --all                 # everything of this project`
}

func (*EnvCmd) Help() string {
	return `Examples:
    eval "$(atmos-auth env -i prod-admin)"              # bash, zsh
    atmos-auth env -i prod-admin -f fish | source       # fish
    atmos-auth env -i prod-admin -o json                # for tools
    atmos-auth env -i prod-admin -f dotenv --output-file .env`
}

func (*ExecCmd) Help() string {
	return `Examples:
    atmos-auth exec -i prod-admin -- aws s3 ls
    atmos-auth exec -i prod-admin --login -- terraform plan`
}

func (*ShellCmd) Help() string {
	return `Examples:
    atmos-auth shell -i prod-admin          # a subshell; exit to leave
    atmos-auth shell -i dev --shell zsh`
}

func (*AllowCmd) Help() string {
	return `Examples:
    atmos-auth allow                        # the nearest .atmos-identity, after reading it
    atmos-auth allow infra/prod`
}

func (*DenyCmd) Help() string {
	return `Examples:
    atmos-auth deny                         # the nearest .atmos-identity
    atmos-auth deny infra/prod`
}

func (*StatusCmd) Help() string {
	return `Examples:
    atmos-auth status                       # the file in effect here, and its trust`
}

func (*PromptCmd) Help() string {
	return `Examples:
    atmos-auth prompt                       # prod-admin (42m)
    atmos-auth prompt -f long               # with the account and region
    atmos-auth prompt -f json`
}
