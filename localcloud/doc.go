package localcloud

// HTTP paths (one base URL):
//
//	sso-oidc (restJson1)  POST /client/register          RegisterClient
//	                      POST /device_authorization     StartDeviceAuthorization
//	                      POST /token                    CreateToken (device_code, refresh_token)
//	approval page         GET  /device?user_code=XXXX-XXXX, POST /device/decide (user_code, action=approve|deny)
//	sso portal (restJson1, header x-amz-sso_bearer_token)
//	                      GET  /assignment/accounts      ListAccounts (next_token, max_result)
//	                      GET  /assignment/roles         ListAccountRoles (account_id, next_token, max_result)
//	                      GET  /federation/credentials   GetRoleCredentials (account_id, role_name)
//	                      POST /logout                   Logout
//	STS (awsQuery)        POST /  Action=AssumeRole|AssumeRoleWithWebIdentity|AssumeRoleWithSAML|
//	                              AssumeRoot|GetSessionToken|GetCallerIdentity, Version=2011-06-15
//	ECR (awsJson1_1)      POST /  X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken
//	admin                 POST /_admin/faults (FaultRequest JSON), GET|DELETE /_admin/stats,
//	                      GET /_admin/devices, POST /_admin/approve (user_code)
//
// Seed data: DefaultAccounts (core-identity 111111111111, development
// 222222222222, staging 333333333333, production 999999999999) with the
// permission sets AdminAccess, PowerUserAccess, ReadOnlyAccess (production:
// AdminAccess and ReadOnlyAccess), and DefaultRoles. Access keys the local
// cloud did not issue stand for the IAM user
// arn:aws:iam::111111111111:user/localcloud-user.
