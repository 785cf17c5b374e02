// Command apigen generates the wire layer of both Cognito services (types, enums, validators, exceptions, service interfaces and operation tables) from the official API models.
package main
