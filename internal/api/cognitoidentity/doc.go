// Package cognitoidentity is the generated wire layer of Cognito Identity Pools (AWSCognitoIdentityService): types, enums, validators, exceptions, the Service interface and the operation table.
package cognitoidentity
