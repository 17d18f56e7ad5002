/* eslint-disable eslint-comments/disable-enable-pair */
/* eslint-disable eslint-comments/no-unlimited-disable */
/* eslint-disable */
import type * as AdminTypes from './admin.types.js';

export type MomentsBillingSubscriptionCreateMutationVariables = AdminTypes.Exact<{
  name: AdminTypes.Scalars['String']['input'];
  lineItems: Array<AdminTypes.AppSubscriptionLineItemInput> | AdminTypes.AppSubscriptionLineItemInput;
  returnUrl: AdminTypes.Scalars['URL']['input'];
  trialDays?: AdminTypes.InputMaybe<AdminTypes.Scalars['Int']['input']>;
  test?: AdminTypes.InputMaybe<AdminTypes.Scalars['Boolean']['input']>;
  replacementBehavior?: AdminTypes.InputMaybe<AdminTypes.AppSubscriptionReplacementBehavior>;
}>;


export type MomentsBillingSubscriptionCreateMutation = { appSubscriptionCreate?: AdminTypes.Maybe<(
    Pick<AdminTypes.AppSubscriptionCreatePayload, 'confirmationUrl'>
    & { appSubscription?: AdminTypes.Maybe<(
      Pick<AdminTypes.AppSubscription, 'id' | 'status'>
      & { lineItems: Array<Pick<AdminTypes.AppSubscriptionLineItem, 'id'>> }
    )>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }
  )> };

export type MomentsBillingActiveSubscriptionsQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type MomentsBillingActiveSubscriptionsQuery = { shopBillingPreferences: Pick<AdminTypes.ShopBillingPreferences, 'currency'>, shop: { plan: Pick<AdminTypes.ShopPlan, 'partnerDevelopment'> }, currentAppInstallation: { activeSubscriptions: Array<(
      Pick<AdminTypes.AppSubscription, 'id' | 'name' | 'status' | 'test' | 'trialDays' | 'createdAt' | 'currentPeriodEnd'>
      & { lineItems: Array<(
        Pick<AdminTypes.AppSubscriptionLineItem, 'id'>
        & { plan: { pricingDetails: (
            { __typename: 'AppRecurringPricing' }
            & { price: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }
          ) | (
            { __typename: 'AppUsagePricing' }
            & { balanceUsed: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, cappedAmount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }
          ) } }
      )> }
    )> } };

export type MomentsBillingSubscriptionStatusQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type MomentsBillingSubscriptionStatusQuery = { node?: AdminTypes.Maybe<Pick<AdminTypes.AppSubscription, 'id' | 'status'>> };

export type MomentsBillingUsageRecordCreateMutationVariables = AdminTypes.Exact<{
  subscriptionLineItemId: AdminTypes.Scalars['ID']['input'];
  price: AdminTypes.MoneyInput;
  description: AdminTypes.Scalars['String']['input'];
  idempotencyKey?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type MomentsBillingUsageRecordCreateMutation = { appUsageRecordCreate?: AdminTypes.Maybe<{ appUsageRecord?: AdminTypes.Maybe<(
      Pick<AdminTypes.AppUsageRecord, 'id' | 'idempotencyKey'>
      & { price: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }
    )>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type MomentsBillingSubscriptionCancelMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type MomentsBillingSubscriptionCancelMutation = { appSubscriptionCancel?: AdminTypes.Maybe<{ appSubscription?: AdminTypes.Maybe<Pick<AdminTypes.AppSubscription, 'id' | 'status'>>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type MomentsProductFieldsFragment = (
  Pick<AdminTypes.Product, 'id' | 'title' | 'status' | 'handle' | 'vendor' | 'productType' | 'tags'>
  & { featuredMedia?: AdminTypes.Maybe<{ preview?: AdminTypes.Maybe<{ image?: AdminTypes.Maybe<Pick<AdminTypes.Image, 'url'>> }> }>, collections?: { nodes: Array<Pick<AdminTypes.Collection, 'id'>> }, variants: { nodes: Array<(
      Pick<AdminTypes.ProductVariant, 'id' | 'title' | 'sku' | 'price' | 'inventoryQuantity'>
      & { sellingPlanGroups?: { nodes: Array<{ sellingPlans: { nodes: Array<Pick<AdminTypes.SellingPlan, 'id'>> } }> } }
    )> } }
);

export type MomentsMetafieldsSetErrorsFragment = Pick<AdminTypes.MetafieldsSetUserError, 'field' | 'message' | 'code'>;

export type MomentsProductsQueryVariables = AdminTypes.Exact<{
  first: AdminTypes.Scalars['Int']['input'];
  query?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
  variants: AdminTypes.Scalars['Int']['input'];
  withCollections: AdminTypes.Scalars['Boolean']['input'];
  withPlans: AdminTypes.Scalars['Boolean']['input'];
}>;


export type MomentsProductsQuery = { products: { nodes: Array<(
      Pick<AdminTypes.Product, 'id' | 'title' | 'status' | 'handle' | 'vendor' | 'productType' | 'tags'>
      & { featuredMedia?: AdminTypes.Maybe<{ preview?: AdminTypes.Maybe<{ image?: AdminTypes.Maybe<Pick<AdminTypes.Image, 'url'>> }> }>, collections?: { nodes: Array<Pick<AdminTypes.Collection, 'id'>> }, variants: { nodes: Array<(
          Pick<AdminTypes.ProductVariant, 'id' | 'title' | 'sku' | 'price' | 'inventoryQuantity'>
          & { sellingPlanGroups?: { nodes: Array<{ sellingPlans: { nodes: Array<Pick<AdminTypes.SellingPlan, 'id'>> } }> } }
        )> } }
    )> } };

export type MomentsProductsByIdQueryVariables = AdminTypes.Exact<{
  ids: Array<AdminTypes.Scalars['ID']['input']> | AdminTypes.Scalars['ID']['input'];
  variants: AdminTypes.Scalars['Int']['input'];
  withCollections: AdminTypes.Scalars['Boolean']['input'];
  withPlans: AdminTypes.Scalars['Boolean']['input'];
}>;


export type MomentsProductsByIdQuery = { nodes: Array<AdminTypes.Maybe<(
    Pick<AdminTypes.Product, 'id' | 'title' | 'status' | 'handle' | 'vendor' | 'productType' | 'tags'>
    & { featuredMedia?: AdminTypes.Maybe<{ preview?: AdminTypes.Maybe<{ image?: AdminTypes.Maybe<Pick<AdminTypes.Image, 'url'>> }> }>, collections?: { nodes: Array<Pick<AdminTypes.Collection, 'id'>> }, variants: { nodes: Array<(
        Pick<AdminTypes.ProductVariant, 'id' | 'title' | 'sku' | 'price' | 'inventoryQuantity'>
        & { sellingPlanGroups?: { nodes: Array<{ sellingPlans: { nodes: Array<Pick<AdminTypes.SellingPlan, 'id'>> } }> } }
      )> } }
  )>> };

export type MomentsCollectionsQueryVariables = AdminTypes.Exact<{
  query?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type MomentsCollectionsQuery = { collections: { nodes: Array<Pick<AdminTypes.Collection, 'id' | 'title'>> } };

export type MomentsShopQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type MomentsShopQuery = { shop: (
    Pick<AdminTypes.Shop, 'id' | 'name' | 'currencyCode'>
    & { plan: Pick<AdminTypes.ShopPlan, 'shopifyPlus'> }
  ) };

export type MomentsShopEmailQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type MomentsShopEmailQuery = { shop: Pick<AdminTypes.Shop, 'email'> };

export type MomentsPublishMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldsSetInput> | AdminTypes.MetafieldsSetInput;
}>;


export type MomentsPublishMutation = { metafieldsSet?: AdminTypes.Maybe<{ metafields?: AdminTypes.Maybe<Array<Pick<AdminTypes.Metafield, 'key' | 'namespace' | 'updatedAt'>>>, userErrors: Array<Pick<AdminTypes.MetafieldsSetUserError, 'field' | 'message' | 'code'>> }> };

export type MomentsReadMetafieldQueryVariables = AdminTypes.Exact<{
  key: AdminTypes.Scalars['String']['input'];
}>;


export type MomentsReadMetafieldQuery = { shop: { metafield?: AdminTypes.Maybe<Pick<AdminTypes.Metafield, 'value'>> } };

export type MomentsEmailDiscountMutationVariables = AdminTypes.Exact<{
  basicCodeDiscount: AdminTypes.DiscountCodeBasicInput;
}>;


export type MomentsEmailDiscountMutation = { discountCodeBasicCreate?: AdminTypes.Maybe<{ codeDiscountNode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'message' | 'code'>> }> };

export type MomentsOfferDiscountsQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type MomentsOfferDiscountsQuery = { automaticDiscountNodes: { nodes: Array<(
      Pick<AdminTypes.DiscountAutomaticNode, 'id'>
      & { automaticDiscount: Pick<AdminTypes.DiscountAutomaticApp, 'title' | 'status'> }
    )> } };

export type MomentsOfferDiscountCreateMutationVariables = AdminTypes.Exact<{
  discount: AdminTypes.DiscountAutomaticAppInput;
}>;


export type MomentsOfferDiscountCreateMutation = { discountAutomaticAppCreate?: AdminTypes.Maybe<{ automaticAppDiscount?: AdminTypes.Maybe<Pick<AdminTypes.DiscountAutomaticApp, 'discountId'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'message'>> }> };

export type MomentsOfferDiscountInputMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldsSetInput> | AdminTypes.MetafieldsSetInput;
}>;


export type MomentsOfferDiscountInputMutation = { metafieldsSet?: AdminTypes.Maybe<{ metafields?: AdminTypes.Maybe<Array<Pick<AdminTypes.Metafield, 'key' | 'namespace'>>>, userErrors: Array<Pick<AdminTypes.MetafieldsSetUserError, 'field' | 'message' | 'code'>> }> };

export type MomentsOrderForEditQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type MomentsOrderForEditQuery = { order?: AdminTypes.Maybe<(
    Pick<AdminTypes.Order, 'id' | 'createdAt' | 'cancelledAt' | 'test' | 'checkoutToken' | 'customerLocale' | 'presentmentCurrencyCode' | 'merchantEditable' | 'merchantEditableErrors'>
    & { customAttributes: Array<Pick<AdminTypes.Attribute, 'key' | 'value'>>, customer?: AdminTypes.Maybe<Pick<AdminTypes.Customer, 'id'>>, shippingAddress?: AdminTypes.Maybe<Pick<AdminTypes.MailingAddress, 'countryCodeV2'>>, billingAddress?: AdminTypes.Maybe<Pick<AdminTypes.MailingAddress, 'countryCodeV2'>>, subtotalPriceSet?: AdminTypes.Maybe<{ presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }>, lineItems: { nodes: Array<(
        Pick<AdminTypes.LineItem, 'quantity'>
        & { product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>>, variant?: AdminTypes.Maybe<Pick<AdminTypes.ProductVariant, 'id'>>, discountedTotalSet: { presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
      )> } }
  )> };

export type MomentsOrderEditBeginMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type MomentsOrderEditBeginMutation = { orderEditBegin?: AdminTypes.Maybe<{ calculatedOrder?: AdminTypes.Maybe<Pick<AdminTypes.CalculatedOrder, 'id'>>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type MomentsOrderEditAddVariantMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  variantId: AdminTypes.Scalars['ID']['input'];
  quantity: AdminTypes.Scalars['Int']['input'];
}>;


export type MomentsOrderEditAddVariantMutation = { orderEditAddVariant?: AdminTypes.Maybe<{ calculatedLineItem?: AdminTypes.Maybe<(
      Pick<AdminTypes.CalculatedLineItem, 'id' | 'quantity'>
      & { originalUnitPriceSet: { presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
    )>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type MomentsOrderEditLineDiscountMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  lineItemId: AdminTypes.Scalars['ID']['input'];
  discount: AdminTypes.OrderEditAppliedDiscountInput;
}>;


export type MomentsOrderEditLineDiscountMutation = { orderEditAddLineItemDiscount?: AdminTypes.Maybe<{ calculatedLineItem?: AdminTypes.Maybe<(
      Pick<AdminTypes.CalculatedLineItem, 'id' | 'quantity'>
      & { discountedUnitPriceSet: { presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
    )>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type MomentsOrderEditCommitMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  notifyCustomer?: AdminTypes.InputMaybe<AdminTypes.Scalars['Boolean']['input']>;
  staffNote?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type MomentsOrderEditCommitMutation = { orderEditCommit?: AdminTypes.Maybe<{ order?: AdminTypes.Maybe<(
      Pick<AdminTypes.Order, 'id'>
      & { totalOutstandingSet: { presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
    )>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type MomentsOrderInvoiceSendMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type MomentsOrderInvoiceSendMutation = { orderInvoiceSend?: AdminTypes.Maybe<{ order?: AdminTypes.Maybe<Pick<AdminTypes.Order, 'id'>>, userErrors: Array<Pick<AdminTypes.OrderInvoiceSendUserError, 'field' | 'message' | 'code'>> }> };

export type MomentsOrdersBulkRunMutationVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
}>;


export type MomentsOrdersBulkRunMutation = { bulkOperationRunQuery?: AdminTypes.Maybe<{ bulkOperation?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status'>>, userErrors: Array<Pick<AdminTypes.BulkOperationUserError, 'field' | 'message' | 'code'>> }> };

export type MomentsBulkOperationQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type MomentsBulkOperationQuery = { bulkOperation?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status' | 'errorCode' | 'objectCount' | 'rootObjectCount' | 'url' | 'partialDataUrl'>> };

export type MomentsSuggestionCatalogQueryVariables = AdminTypes.Exact<{
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type MomentsSuggestionCatalogQuery = { products: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
      Pick<AdminTypes.Product, 'id' | 'isGiftCard' | 'vendor' | 'tags'>
      & { collections: { nodes: Array<Pick<AdminTypes.Collection, 'id'>> }, variants: { nodes: Array<Pick<AdminTypes.ProductVariant, 'price' | 'availableForSale'>> } }
    )> } };

interface GeneratedQueryTypes {
  "#graphql\n  query MomentsBillingActiveSubscriptions {\n    shopBillingPreferences { currency }\n    shop { plan { partnerDevelopment } }\n    currentAppInstallation {\n      activeSubscriptions {\n        id\n        name\n        status\n        test\n        trialDays\n        createdAt\n        currentPeriodEnd\n        lineItems {\n          id\n          plan {\n            pricingDetails {\n              __typename\n              ... on AppUsagePricing {\n                balanceUsed { amount currencyCode }\n                cappedAmount { amount currencyCode }\n              }\n              ... on AppRecurringPricing {\n                price { amount currencyCode }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": {return: MomentsBillingActiveSubscriptionsQuery, variables: MomentsBillingActiveSubscriptionsQueryVariables},
  "#graphql\n  query MomentsBillingSubscriptionStatus($id: ID!) {\n    node(id: $id) {\n      ... on AppSubscription { id status }\n    }\n  }\n": {return: MomentsBillingSubscriptionStatusQuery, variables: MomentsBillingSubscriptionStatusQueryVariables},
  "#graphql\n  query MomentsProducts($first: Int!, $query: String, $variants: Int!, $withCollections: Boolean!, $withPlans: Boolean!) {\n    products(first: $first, query: $query, sortKey: TITLE) {\n      nodes { ...MomentsProductFields }\n    }\n  }\n  #graphql\n  fragment MomentsProductFields on Product {\n    id\n    title\n    status\n    handle\n    vendor\n    productType\n    tags\n    featuredMedia { preview { image { url } } }\n    collections(first: 50) @include(if: $withCollections) { nodes { id } }\n    variants(first: $variants) {\n      nodes {\n        id title sku price inventoryQuantity\n        sellingPlanGroups(first: 1) @include(if: $withPlans) { nodes { sellingPlans(first: 1) { nodes { id } } } }\n      }\n    }\n  }\n\n": {return: MomentsProductsQuery, variables: MomentsProductsQueryVariables},
  "#graphql\n  query MomentsProductsById($ids: [ID!]!, $variants: Int!, $withCollections: Boolean!, $withPlans: Boolean!) {\n    nodes(ids: $ids) {\n      ... on Product { ...MomentsProductFields }\n    }\n  }\n  #graphql\n  fragment MomentsProductFields on Product {\n    id\n    title\n    status\n    handle\n    vendor\n    productType\n    tags\n    featuredMedia { preview { image { url } } }\n    collections(first: 50) @include(if: $withCollections) { nodes { id } }\n    variants(first: $variants) {\n      nodes {\n        id title sku price inventoryQuantity\n        sellingPlanGroups(first: 1) @include(if: $withPlans) { nodes { sellingPlans(first: 1) { nodes { id } } } }\n      }\n    }\n  }\n\n": {return: MomentsProductsByIdQuery, variables: MomentsProductsByIdQueryVariables},
  "#graphql\n  query MomentsCollections($query: String) {\n    collections(first: 100, query: $query, sortKey: TITLE) {\n      nodes { id title }\n    }\n  }\n": {return: MomentsCollectionsQuery, variables: MomentsCollectionsQueryVariables},
  "#graphql\n  query MomentsShop {\n    shop { id name currencyCode plan { shopifyPlus } }\n  }\n": {return: MomentsShopQuery, variables: MomentsShopQueryVariables},
  "#graphql\n  query MomentsShopEmail {\n    shop { email }\n  }\n": {return: MomentsShopEmailQuery, variables: MomentsShopEmailQueryVariables},
  "#graphql\n  query MomentsReadMetafield($key: String!) {\n    shop { metafield(namespace: \"$app\", key: $key) { value } }\n  }\n": {return: MomentsReadMetafieldQuery, variables: MomentsReadMetafieldQueryVariables},
  "#graphql\n  query MomentsOfferDiscounts {\n    automaticDiscountNodes(first: 50, query: \"type:app\") {\n      nodes {\n        id\n        automaticDiscount {\n          ... on DiscountAutomaticApp { title status }\n        }\n      }\n    }\n  }\n": {return: MomentsOfferDiscountsQuery, variables: MomentsOfferDiscountsQueryVariables},
  "#graphql\n  query MomentsOrderForEdit($id: ID!) {\n    order(id: $id) {\n      id\n      createdAt\n      cancelledAt\n      test\n      checkoutToken\n      customerLocale\n      presentmentCurrencyCode\n      merchantEditable\n      merchantEditableErrors\n      customAttributes { key value }\n      customer { id }\n      shippingAddress { countryCodeV2 }\n      billingAddress { countryCodeV2 }\n      subtotalPriceSet { presentmentMoney { amount currencyCode } }\n      lineItems(first: 100) {\n        nodes {\n          quantity\n          product { id }\n          variant { id }\n          discountedTotalSet { presentmentMoney { amount currencyCode } }\n        }\n      }\n    }\n  }\n": {return: MomentsOrderForEditQuery, variables: MomentsOrderForEditQueryVariables},
  "#graphql\n  query MomentsBulkOperation($id: ID!) {\n    bulkOperation(id: $id) {\n      id\n      status\n      errorCode\n      objectCount\n      rootObjectCount\n      url\n      partialDataUrl\n    }\n  }\n": {return: MomentsBulkOperationQuery, variables: MomentsBulkOperationQueryVariables},
  "#graphql\n  query MomentsSuggestionCatalog($after: String) {\n    products(first: 45, after: $after, query: \"status:active\", sortKey: ID) {\n      pageInfo { hasNextPage endCursor }\n      nodes {\n        id\n        isGiftCard\n        vendor\n        tags\n        collections(first: 5) { nodes { id } }\n        variants(first: 10) { nodes { price availableForSale } }\n      }\n    }\n  }\n": {return: MomentsSuggestionCatalogQuery, variables: MomentsSuggestionCatalogQueryVariables},
}

interface GeneratedMutationTypes {
  "#graphql\n  mutation MomentsBillingSubscriptionCreate(\n    $name: String!\n    $lineItems: [AppSubscriptionLineItemInput!]!\n    $returnUrl: URL!\n    $trialDays: Int\n    $test: Boolean\n    $replacementBehavior: AppSubscriptionReplacementBehavior\n  ) {\n    appSubscriptionCreate(\n      name: $name\n      lineItems: $lineItems\n      returnUrl: $returnUrl\n      trialDays: $trialDays\n      test: $test\n      replacementBehavior: $replacementBehavior\n    ) {\n      appSubscription { id status lineItems { id } }\n      confirmationUrl\n      userErrors { field message }\n    }\n  }\n": {return: MomentsBillingSubscriptionCreateMutation, variables: MomentsBillingSubscriptionCreateMutationVariables},
  "#graphql\n  mutation MomentsBillingUsageRecordCreate(\n    $subscriptionLineItemId: ID!\n    $price: MoneyInput!\n    $description: String!\n    $idempotencyKey: String\n  ) {\n    appUsageRecordCreate(\n      subscriptionLineItemId: $subscriptionLineItemId\n      price: $price\n      description: $description\n      idempotencyKey: $idempotencyKey\n    ) {\n      appUsageRecord { id idempotencyKey price { amount currencyCode } }\n      userErrors { field message }\n    }\n  }\n": {return: MomentsBillingUsageRecordCreateMutation, variables: MomentsBillingUsageRecordCreateMutationVariables},
  "#graphql\n  mutation MomentsBillingSubscriptionCancel($id: ID!) {\n    appSubscriptionCancel(id: $id, prorate: false) {\n      appSubscription { id status }\n      userErrors { field message }\n    }\n  }\n": {return: MomentsBillingSubscriptionCancelMutation, variables: MomentsBillingSubscriptionCancelMutationVariables},
  "#graphql\n  mutation MomentsPublish($metafields: [MetafieldsSetInput!]!) {\n    metafieldsSet(metafields: $metafields) {\n      metafields { key namespace updatedAt }\n      userErrors { ...MomentsMetafieldsSetErrors }\n    }\n  }\n  #graphql\n  fragment MomentsMetafieldsSetErrors on MetafieldsSetUserError {\n    field\n    message\n    code\n  }\n\n": {return: MomentsPublishMutation, variables: MomentsPublishMutationVariables},
  "#graphql\n  mutation MomentsEmailDiscount($basicCodeDiscount: DiscountCodeBasicInput!) {\n    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {\n      codeDiscountNode { id }\n      userErrors { field message code }\n    }\n  }\n": {return: MomentsEmailDiscountMutation, variables: MomentsEmailDiscountMutationVariables},
  "#graphql\n  mutation MomentsOfferDiscountCreate($discount: DiscountAutomaticAppInput!) {\n    discountAutomaticAppCreate(automaticAppDiscount: $discount) {\n      automaticAppDiscount { discountId }\n      userErrors { field message }\n    }\n  }\n": {return: MomentsOfferDiscountCreateMutation, variables: MomentsOfferDiscountCreateMutationVariables},
  "#graphql\n  mutation MomentsOfferDiscountInput($metafields: [MetafieldsSetInput!]!) {\n    metafieldsSet(metafields: $metafields) {\n      metafields { key namespace }\n      userErrors { ...MomentsMetafieldsSetErrors }\n    }\n  }\n  #graphql\n  fragment MomentsMetafieldsSetErrors on MetafieldsSetUserError {\n    field\n    message\n    code\n  }\n\n": {return: MomentsOfferDiscountInputMutation, variables: MomentsOfferDiscountInputMutationVariables},
  "#graphql\n  mutation MomentsOrderEditBegin($id: ID!) {\n    orderEditBegin(id: $id) {\n      calculatedOrder { id }\n      userErrors { field message }\n    }\n  }\n": {return: MomentsOrderEditBeginMutation, variables: MomentsOrderEditBeginMutationVariables},
  "#graphql\n  mutation MomentsOrderEditAddVariant($id: ID!, $variantId: ID!, $quantity: Int!) {\n    orderEditAddVariant(id: $id, variantId: $variantId, quantity: $quantity, allowDuplicates: true) {\n      calculatedLineItem {\n        id\n        quantity\n        originalUnitPriceSet { presentmentMoney { amount currencyCode } }\n      }\n      userErrors { field message }\n    }\n  }\n": {return: MomentsOrderEditAddVariantMutation, variables: MomentsOrderEditAddVariantMutationVariables},
  "#graphql\n  mutation MomentsOrderEditLineDiscount($id: ID!, $lineItemId: ID!, $discount: OrderEditAppliedDiscountInput!) {\n    orderEditAddLineItemDiscount(id: $id, lineItemId: $lineItemId, discount: $discount) {\n      calculatedLineItem {\n        id\n        quantity\n        discountedUnitPriceSet { presentmentMoney { amount currencyCode } }\n      }\n      userErrors { field message }\n    }\n  }\n": {return: MomentsOrderEditLineDiscountMutation, variables: MomentsOrderEditLineDiscountMutationVariables},
  "#graphql\n  mutation MomentsOrderEditCommit($id: ID!, $notifyCustomer: Boolean, $staffNote: String) {\n    orderEditCommit(id: $id, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {\n      order {\n        id\n        totalOutstandingSet { presentmentMoney { amount currencyCode } }\n      }\n      userErrors { field message }\n    }\n  }\n": {return: MomentsOrderEditCommitMutation, variables: MomentsOrderEditCommitMutationVariables},
  "#graphql\n  mutation MomentsOrderInvoiceSend($id: ID!) {\n    orderInvoiceSend(id: $id) {\n      order { id }\n      userErrors { field message code }\n    }\n  }\n": {return: MomentsOrderInvoiceSendMutation, variables: MomentsOrderInvoiceSendMutationVariables},
  "#graphql\n  mutation MomentsOrdersBulkRun($query: String!) {\n    bulkOperationRunQuery(query: $query, groupObjects: false) {\n      bulkOperation { id status }\n      userErrors { field message code }\n    }\n  }\n": {return: MomentsOrdersBulkRunMutation, variables: MomentsOrdersBulkRunMutationVariables},
}
declare module '@shopify/admin-api-client' {
  type InputMaybe<T> = AdminTypes.InputMaybe<T>;
  interface AdminQueries extends GeneratedQueryTypes {}
  interface AdminMutations extends GeneratedMutationTypes {}
}
