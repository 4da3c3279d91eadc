// The Improvement Plan bot on Azure: one resource group holding
//   - a Storage account (Tables for plans, history, directory, KPIs, state; Queues for the outbox),
//   - a Linux App Service plan and Web App running the bot on Node 20 LTS,
//   - a Key Vault holding the bot's client secret and the storage connection string (optional),
//   - an Azure Bot resource with the Microsoft Teams channel, pointed at the Web App.
//
// Deploy with the Microsoft 365 Agents Toolkit (m365agents.yml, parameters in main.parameters.json)
// or by hand: see docs/DEPLOY.md. tests/infra.spec.ts checks this file against the bot's config schema.

targetScope = 'resourceGroup'

@description('Base name for every resource. Letters, digits and hyphens, 3-40 characters. The Web App and the Azure Bot get exactly this name, so it must be globally unique (for example ipb-southend-prod).')
@minLength(3)
@maxLength(40)
param resourceBaseName string

@description('Azure region for the plan, Web App, Storage account and Key Vault. The Azure Bot resource is always global.')
param location string = resourceGroup().location

@description('App Service plan SKU. B1 or higher: the bot needs Always On so its reminder scheduler keeps running (F1 has no Always On).')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
])
param appServicePlanSku string = 'B1'

@description('Number of Web App instances. They share one proactive send budget through the store, so the rate is not divided by this number.')
@minValue(1)
@maxValue(10)
param instanceCount int = 1

@description('Node.js runtime. Node 22 LTS is the primary runtime (CI runs the suite on it); Node 20 reached end of life on 30 April 2026 and is kept only for developers who still have it.')
@allowed([
  'NODE|20-lts'
  'NODE|22-lts'
])
param linuxFxVersion string = 'NODE|22-lts'

@description('Storage redundancy. Standard_ZRS keeps three copies across availability zones (where the region has them).')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('Azure Bot pricing tier. Teams is a standard channel, free and unlimited on F0.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Name people see for the bot in the Azure portal.')
param botDisplayName string = 'Improvement Plan'

@description('MicrosoftAppId: the application (client) id of the bot\'s Entra app registration.')
param botAppId string

@description('MicrosoftAppPassword: a client secret of that app registration.')
@secure()
param botAppPassword string

@description('MicrosoftAppType. Azure no longer creates new multi-tenant bots (since 31 July 2025), so new registrations are SingleTenant; MultiTenant is for existing registrations.')
@allowed([
  'SingleTenant'
  'MultiTenant'
])
param botAppType string = 'SingleTenant'

@description('MicrosoftAppTenantId: the Entra tenant of the app registration (required for SingleTenant).')
param botTenantId string = tenant().tenantId

@description('Keep the bot secret and the storage connection string in Key Vault, read by the Web App\'s managed identity through Key Vault references. Needs permission to create role assignments (Owner or User Access Administrator on the resource group). false puts both straight into app settings.')
param useKeyVault bool = true

@description('TIME_ZONE: the zone for "today", due dates and working hours.')
param timeZone string = 'Europe/London'

@description('ALLOWED_TENANT_IDS: comma-separated tenant ids allowed to use the bot. Empty: the bot\'s own tenant (botTenantId); for a MultiTenant registration with no tenant id, any tenant.')
param allowedTenantIds string = ''

@description('ADMIN_USER_IDS: comma-separated Entra object ids of plan administrators (link channels, send digests, update anything).')
param adminUserIds string = ''

@description('SCHEDULER_ENABLED: plan and send reminders, nudges and digests from these instances.')
@allowed([
  'true'
  'false'
])
param schedulerEnabled string = 'true'

@description('SEND_RATE_PER_SECOND for the whole app, all instances together. 0 means the default of 35 (Teams allows 50 per second per app per tenant).')
@minValue(0)
@maxValue(50)
param sendRatePerSecond int = 0

@description('STALE_AFTER_DAYS: days without an update before a check-in nudge.')
@minValue(1)
@maxValue(365)
param staleAfterDays int = 30

@description('DIGEST_CRON: weekly manager digest schedule (cron, in TIME_ZONE).')
param digestCron string = '0 8 * * 1'

@description('WORKING_HOURS_START: nothing proactive is sent before this (HH:MM, TIME_ZONE).')
param workingHoursStart string = '08:00'

@description('WORKING_HOURS_END: nothing proactive is sent after this (HH:MM, TIME_ZONE).')
param workingHoursEnd string = '18:00'

@description('LOG_LEVEL for the bot (pino).')
@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
  'silent'
])
param logLevel string = 'info'

@description('Tags for every resource.')
param tags object = {}

var suffix = uniqueString(resourceGroup().id, resourceBaseName)
var compactName = toLower(replace(resourceBaseName, '-', ''))
// Storage: 3-24 lowercase letters and digits. Key Vault: 3-24, letters, digits and hyphens.
var storageAccountName = take('st${take(compactName, 12)}${suffix}', 24)
var keyVaultName = take('kv${take(compactName, 12)}${take(suffix, 8)}', 24)
var webAppName = resourceBaseName
var planName = '${resourceBaseName}-plan'
var botName = resourceBaseName
var sendRate = sendRatePerSecond > 0 ? sendRatePerSecond : 35
var effectiveAllowedTenants = empty(allowedTenantIds) && botAppType == 'SingleTenant' ? botTenantId : allowedTenantIds

// The tables and queues the bot uses (storage/tables.ts TABLES, storage/outbox.ts OUTBOX and POISON).
// The bot creates any that are missing at start-up; declaring them here makes them part of the
// deployment (and of what to back up).
var tableNames = [
  'Plans'
  'PlanItems'
  'Kpis'
  'Directory'
  'Conversations'
  'Ledger'
  'Schedule'
  'SendBudget'
  'ConversationSends'
  'BoardPacks'
]
var queueNames = [
  'outbox'
  'outbox-poison'
]

// Built-in role: Key Vault Secrets User (read secret values).
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: storageSku
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // The bot authenticates with the account key in STORAGE_CONNECTION_STRING.
    allowSharedKeyAccess: true
    accessTier: 'Hot'
    encryption: {
      keySource: 'Microsoft.Storage'
      services: {
        table: {
          enabled: true
          keyType: 'Account'
        }
        queue: {
          enabled: true
          keyType: 'Account'
        }
        blob: {
          enabled: true
        }
      }
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for name in tableNames: {
    parent: tableService
    name: name
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for name in queueNames: {
    parent: queueService
    name: name
  }
]

var storageConnectionString = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'

resource plan 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: appServicePlanSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: webAppName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Stateless: any instance can serve any request, so no ARR affinity cookie.
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: linuxFxVersion
      // The same as `npm start` without npm in between, so App Service's SIGTERM reaches the bot
      // directly and it stops its scheduler and worker cleanly. It runs the compiled build
      // (infra/build-deploy.ts puts dist/ in the zip); DEP0111 is restify's spdy dependency, see
      // README "Start-up warnings". App Service sets PORT.
      appCommandLine: 'node --disable-warning=DEP0111 dist/bot/main.js'
      // The reminder scheduler runs inside the bot process: the app must never be unloaded.
      alwaysOn: true
      healthCheckPath: '/healthz'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = if (useKeyVault) {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (useKeyVault) {
  parent: keyVault
  name: 'bot-password'
  properties: {
    value: botAppPassword
    contentType: 'MicrosoftAppPassword (Entra app registration client secret)'
  }
}

resource storageSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (useKeyVault) {
  parent: keyVault
  name: 'storage-connection-string'
  properties: {
    value: storageConnectionString
    contentType: 'STORAGE_CONNECTION_STRING'
  }
}

resource webAppReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useKeyVault) {
  scope: keyVault
  name: guid(keyVault.id, webApp.id, keyVaultSecretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Unversioned references: the Web App reads the latest version of each secret (see docs/DEPLOY.md,
// "Rotating the bot secret").
var botPasswordSetting = useKeyVault ? '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=bot-password)' : botAppPassword
var storageSetting = useKeyVault ? '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=storage-connection-string)' : storageConnectionString

// Every variable the bot reads (config/schema.ts) that production needs. Not set on purpose:
// PORT (App Service sets it), AZURITE_LOCATION and FAKE_TODAY (development only), and
// ToBotFromChannel* (public cloud defaults).
resource appSettings 'Microsoft.Web/sites/config@2022-09-01' = {
  parent: webApp
  name: 'appsettings'
  properties: {
    MicrosoftAppId: botAppId
    MicrosoftAppPassword: botPasswordSetting
    MicrosoftAppType: botAppType
    MicrosoftAppTenantId: botAppType == 'SingleTenant' ? botTenantId : ''
    STORAGE_CONNECTION_STRING: storageSetting
    TIME_ZONE: timeZone
    ALLOWED_TENANT_IDS: effectiveAllowedTenants
    ADMIN_USER_IDS: adminUserIds
    SCHEDULER_ENABLED: schedulerEnabled
    SEND_RATE_PER_SECOND: string(sendRate)
    STALE_AFTER_DAYS: string(staleAfterDays)
    DIGEST_CRON: digestCron
    WORKING_HOURS_START: workingHoursStart
    WORKING_HOURS_END: workingHoursEnd
    LOG_LEVEL: logLevel
    NODE_ENV: 'production'
    // The deployment zip already holds node_modules (built by infra/build-deploy.ts): no build on the server.
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
  }
  dependsOn: [
    // Key Vault references resolve only once the Web App's identity may read the secrets.
    webAppReadsSecrets
    botPasswordSecret
    storageSecret
    tables
    queues
  ]
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAppId
    msaAppType: botAppType
    msaAppTenantId: botAppType == 'SingleTenant' ? botTenantId : ''
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
    }
  }
}

// Output names are upper case so the Agents Toolkit writes them to env/.env.<env> as they are.
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_WEB_APP_NAME string = webApp.name
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}/api/messages'
output BOT_SERVICE_NAME string = bot.name
output STORAGE_ACCOUNT_NAME string = storage.name
output KEY_VAULT_NAME string = useKeyVault ? keyVault.name : ''
output SEND_RATE_PER_SECOND_EFFECTIVE int = sendRate
