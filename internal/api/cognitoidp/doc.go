// Package cognitoidp is the generated wire layer of Cognito User Pools (AWSCognitoIdentityProviderService): types, enums, validators, exceptions, the Service interface and the operation table.
package cognitoidp
