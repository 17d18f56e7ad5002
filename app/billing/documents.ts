/**
 * The Admin GraphQL documents of billing (decision 033), typed by `npm run graphql-codegen` like
 * app/gateway/admin-documents.ts and validated against the Admin schema by tests/graphql.test.ts.
 */

/** A usage plan (capped share of measured revenue) or a flat plan (recurring price), with a trial. */
export const BILLING_SUBSCRIPTION_CREATE_MUTATION = `#graphql
  mutation MomentsBillingSubscriptionCreate(
    $name: String!
    $lineItems: [AppSubscriptionLineItemInput!]!
    $returnUrl: URL!
    $trialDays: Int
    $test: Boolean
    $replacementBehavior: AppSubscriptionReplacementBehavior
  ) {
    appSubscriptionCreate(
      name: $name
      lineItems: $lineItems
      returnUrl: $returnUrl
      trialDays: $trialDays
      test: $test
      replacementBehavior: $replacementBehavior
    ) {
      appSubscription { id status lineItems { id } }
      confirmationUrl
      userErrors { field message }
    }
  }
`;

/** What the merchant has approved, with the usage line's balance in the current billing interval. */
export const BILLING_ACTIVE_SUBSCRIPTIONS_QUERY = `#graphql
  query MomentsBillingActiveSubscriptions {
    shopBillingPreferences { currency }
    shop { plan { partnerDevelopment } }
    currentAppInstallation {
      activeSubscriptions {
        id
        name
        status
        test
        trialDays
        createdAt
        currentPeriodEnd
        lineItems {
          id
          plan {
            pricingDetails {
              __typename
              ... on AppUsagePricing {
                balanceUsed { amount currencyCode }
                cappedAmount { amount currencyCode }
              }
              ... on AppRecurringPricing {
                price { amount currencyCode }
              }
            }
          }
        }
      }
    }
  }
`;

/** One subscription's status (declined, cancelled and expired ones are not among the active). */
export const BILLING_SUBSCRIPTION_STATUS_QUERY = `#graphql
  query MomentsBillingSubscriptionStatus($id: ID!) {
    node(id: $id) {
      ... on AppSubscription { id status }
    }
  }
`;

/** A period's usage charge; the idempotency key makes a repeated call create no second record. */
export const BILLING_USAGE_RECORD_CREATE_MUTATION = `#graphql
  mutation MomentsBillingUsageRecordCreate(
    $subscriptionLineItemId: ID!
    $price: MoneyInput!
    $description: String!
    $idempotencyKey: String
  ) {
    appUsageRecordCreate(
      subscriptionLineItemId: $subscriptionLineItemId
      price: $price
      description: $description
      idempotencyKey: $idempotencyKey
    ) {
      appUsageRecord { id idempotencyKey price { amount currencyCode } }
      userErrors { field message }
    }
  }
`;

export const BILLING_SUBSCRIPTION_CANCEL_MUTATION = `#graphql
  mutation MomentsBillingSubscriptionCancel($id: ID!) {
    appSubscriptionCancel(id: $id, prorate: false) {
      appSubscription { id status }
      userErrors { field message }
    }
  }
`;
